// Loaded by base.html only when a form came back with errors: focus the first field the server
// marked aria-invalid, so keyboard and screen reader users land on the problem and hear its error.
const invalid = document.querySelector('[aria-invalid="true"]');
// A group of checkboxes carries the mark on its list: focus its first box.
const target = invalid?.matches('input, select, textarea') ? invalid : invalid?.querySelector('input, select, textarea');
if (target) {
  target.focus({ preventScroll: true });
  // Centred, so its label above and its error below are in view too.
  target.scrollIntoView({ block: 'center' });
}
