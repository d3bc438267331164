// A "Print" button for pages meant for paper (the page's CSP forbids inline handlers).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
