// A count's whole value is selected when it is reached, by tap or key, so typing 5 over "0"
// gives 5, not 50. Some browsers place a tap's caret after the focus: a tap that brought it selects again.
const isCount = (node) => node instanceof HTMLInputElement && node.inputMode === 'numeric';
let tapFocuses = false;

document.addEventListener('focusin', (event) => { if (isCount(event.target)) event.target.select(); });
document.addEventListener('pointerdown', (event) => {
  tapFocuses = isCount(event.target) && document.activeElement !== event.target;
}, true);
document.addEventListener('click', (event) => {
  if (tapFocuses && isCount(event.target)) event.target.select();
  tapFocuses = false;
}, true);
