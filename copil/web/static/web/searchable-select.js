// Filters a long <select> (a reference to another record) by the words typed in the search box above it:
// an option stays when every word appears in its label, accents and case ignored. The selected option stays.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("input[data-copil-filter]").forEach(function (box) {
    var select = document.getElementById(box.dataset.copilFilter);
    if (!select) return;
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var label = fold(option.textContent);
        var keep = option.selected || !option.value || words.every(function (w) { return label.indexOf(w) !== -1; });
        option.hidden = !keep;
        option.disabled = !keep;
      });
    });
  });
})();
