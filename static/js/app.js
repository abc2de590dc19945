// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // A second click on a submit button while the form is being sent does nothing
  // (the server also refuses repeated one-time form tokens).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    var clicked = event.submitter;
    if (clicked && clicked.name) {
      // Keep the clicked button's value: a disabled button is not sent.
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = clicked.name; hidden.value = clicked.value;
      form.appendChild(hidden);
    }
    form.querySelectorAll("button[data-once]").forEach(function (b) { b.disabled = true; });
  });
  // Assign page: changing a row's role swaps in that role's default due date, unless the
  // clerk typed a date of their own.
  var assign = document.getElementById("assign-form");
  if (assign) {
    assign.addEventListener("change", function (event) {
      var role = event.target;
      if (!role.name || !/-role$/.test(role.name)) { return; }
      var due = assign.querySelector("[name='" + role.name.replace(/-role$/, "-due_on") + "']");
      var defaults = [assign.dataset.defaultLead, assign.dataset.defaultCo, assign.dataset.defaultSplit];
      if (due && (due.value === "" || defaults.indexOf(due.value) !== -1)) {
        due.value = assign.dataset["default" + role.value.charAt(0).toUpperCase() + role.value.slice(1)] || "";
      }
    });
  }
  // Boxes that load after the page (data-load="url"): the server answers with the box's
  // HTML, or with nothing when there is nothing to show.
  document.querySelectorAll("[data-load]").forEach(function (box) {
    fetch(box.dataset.load, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (html.trim()) { box.outerHTML = html; } else { box.remove(); }
      })
      .catch(function () {
        var status = box.querySelector("[data-load-status]");
        if (status) { status.textContent = "暂时无法加载，请稍后刷新页面重试。"; }
      });
  });
})();
