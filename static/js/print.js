// A print button without inline script (the CSP allows none).
for (const button of document.querySelectorAll('[data-print]')) button.addEventListener('click', () => window.print());
