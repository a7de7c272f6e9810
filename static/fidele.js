/* Fidèle admin: the little script there is. Every page works without it;
 * with it, the customer list's bulk bar shows only once a row is ticked,
 * and a box in the header ticks the whole page. */
(function () {
  "use strict";

  function bulkBar() {
    var bar = document.getElementById("bulk-bar");
    var all = document.getElementById("tick-all");
    if (!bar) {
      return;
    }
    var form = bar.closest("form");
    var boxes = form.querySelectorAll('input[type=checkbox][name=id]');

    function update() {
      var ticked = 0;
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].checked) {
          ticked++;
        }
      }
      bar.hidden = ticked === 0;
      if (all) {
        all.checked = ticked > 0 && ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      }
    }

    for (var i = 0; i < boxes.length; i++) {
      boxes[i].addEventListener("change", update);
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        for (var j = 0; j < boxes.length; j++) {
          boxes[j].checked = all.checked;
        }
        update();
      });
    }
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bulkBar);
  } else {
    bulkBar();
  }
})();
