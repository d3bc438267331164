// A pad to sign on with a finger or a mouse, for fields of type "image" (eventdesk/core/fields.py).
// Every <input data-signature-pad> gets a canvas; what is drawn goes into the input as a PNG
// data URL. The scanner draws its fields later and calls EventDeskSignaturePad.attach itself.
(function () {
  'use strict';

  function attach(input) {
    if (input.getAttribute('data-signature-ready')) return;
    input.setAttribute('data-signature-ready', '1');
    var wrap = document.createElement('div');
    wrap.className = 'signature-pad';
    var canvas = document.createElement('canvas');
    canvas.width = 600;
    canvas.height = 240;
    canvas.style.width = '100%';
    canvas.style.maxWidth = '600px';
    canvas.style.touchAction = 'none';
    canvas.style.border = '1px solid #888';
    canvas.style.background = '#fff';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', input.getAttribute('data-label') || '');
    var clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'signature-clear';
    clear.textContent = input.getAttribute('data-clear-label') || '×';
    wrap.appendChild(canvas);
    wrap.appendChild(clear);
    input.parentNode.insertBefore(wrap, input.nextSibling);

    var context = canvas.getContext('2d');
    context.lineWidth = 4;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#000';
    var drawing = false;
    // A form shown again after a refusal keeps what was signed: draw it back.
    if (input.value.indexOf('data:image/png;base64,') === 0) {
      var signed = new Image();
      signed.onload = function () { context.drawImage(signed, 0, 0, canvas.width, canvas.height); };
      signed.src = input.value;
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * canvas.width / box.width,
        y: (event.clientY - box.top) * canvas.height / box.height
      };
    }
    canvas.addEventListener('pointerdown', function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var at = point(event);
      context.beginPath();
      context.moveTo(at.x, at.y);
      event.preventDefault();
    });
    canvas.addEventListener('pointermove', function (event) {
      if (!drawing) return;
      var at = point(event);
      context.lineTo(at.x, at.y);
      context.stroke();
      event.preventDefault();
    });
    function finish() {
      if (!drawing) return;
      drawing = false;
      input.value = canvas.toDataURL('image/png');
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
    canvas.addEventListener('pointerup', finish);
    canvas.addEventListener('pointercancel', finish);
    clear.addEventListener('click', function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      input.value = '';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  window.EventDeskSignaturePad = { attach: attach };
  function attachAll() {
    var inputs = document.querySelectorAll('input[data-signature-pad]');
    for (var i = 0; i < inputs.length; i++) attach(inputs[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', attachAll);
  else attachAll();
})();
