// Print buttons: <button data-print> (inline handlers are not allowed by the page's policy).
document.addEventListener('click', function (event) {
  var target = event.target;
  if (target && target.closest && target.closest('[data-print]')) {
    window.print();
  }
});
