/* Fidèle admin: the little script there is. Every page works without it;
 * with it, the customer list's bulk bar shows only once a row is ticked,
 * says how many are, and a box in the header ticks the whole page; the signup page's address
 * gets a copy button. */
(function () {
  "use strict";

  function bulkBar() {
    var bar = document.getElementById("bulk-bar");
    var all = document.getElementById("tick-all");
    if (!bar) {
      return;
    }
    var form = bar.closest("form");
    var count = document.getElementById("bulk-count");
    var boxes = form.querySelectorAll('input[type=checkbox][name=id]');

    function update() {
      var ticked = 0;
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].checked) {
          ticked++;
        }
      }
      bar.hidden = ticked === 0;
      if (count) {
        count.hidden = false;
        count.textContent = ticked + " " + count.getAttribute(ticked === 1 ? "data-one" : "data-many");
      }
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

  /* a button that copies the text of the element named by data-copy
   * (the signup page's address, which stays selectable without script):
   * the text is selected, then copied by the clipboard API where the page
   * may use it (HTTPS), else by the older copy command */
  function copyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source) {
          return;
        }
        button.hidden = false;
        button.addEventListener("click", function () {
          var range = document.createRange();
          var done = function () {
            button.textContent = button.getAttribute("data-copied");
          };
          range.selectNodeContents(source);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
          if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(source.textContent).then(done, function () {});
          } else if (document.execCommand && document.execCommand("copy")) {
            done();
          }
        });
      })(buttons[i]);
    }
  }

  function start() {
    bulkBar();
    copyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
