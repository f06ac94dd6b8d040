// Crewplan pages work without this file. It adds the planning keyboard shortcuts and their help
// dialog, and moves focus to an error summary so it is read first.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || target.isContentEditable;
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link && link.href) { window.location.assign(link.href); return true; }
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary") || document.getElementById("login-error");
    if (summary) { summary.focus(); }

    var dialog = document.getElementById("shortcuts-dialog");
    var opener = document.getElementById("shortcuts-open");
    if (!dialog || !opener || typeof dialog.showModal !== "function") { return; }
    opener.hidden = false;
    function openHelp() {
      if (!dialog.open) { dialog.showModal(); document.getElementById("shortcuts-close").focus(); }
    }
    opener.addEventListener("click", openHelp);
    dialog.addEventListener("close", function () { opener.focus(); });

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (typing(event.target) || dialog.open) { return; }
      var handled = false;
      switch (event.key) {
        case "p": handled = follow("prev-week"); break;
        case "n": handled = follow("next-week"); break;
        case "t": handled = follow("this-week"); break;
        case "c": handled = follow("new-shift"); break;
        case "?": openHelp(); handled = true; break;
      }
      if (handled) { event.preventDefault(); }
    });
  });
})();
