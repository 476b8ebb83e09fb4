/* Native inputs for plain HTML forms (issue 22, the staff upload page): Dash has no component for a file
   input or a checkbox that a form posts, so each element with class "scn-native-input" gets one
   <input> with the type, name and id of its data-type, data-name and data-input-id attributes
   (data-multiple, data-required: set). The element has no React children, so React leaves the input alone. */
(function () {
  function fill() {
    document.querySelectorAll('.scn-native-input:not([data-done])').forEach(function (box) {
      var input = document.createElement('input');
      input.type = box.dataset.type || 'text';
      input.name = box.dataset.name || '';
      if (box.dataset.inputId) { input.id = box.dataset.inputId; }
      input.multiple = box.dataset.multiple === 'true';
      input.required = box.dataset.required === 'true';
      box.appendChild(input);
      box.setAttribute('data-done', 'true');
    });
  }
  new MutationObserver(fill).observe(document.documentElement, {childList: true, subtree: true});
})();
