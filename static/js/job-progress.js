/* Polls a job's JSON status and updates the progress bar without reloading the page. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-bar");
  var label = document.getElementById("job-percent");
  var state = document.getElementById("job-state");
  var message = document.getElementById("job-message");
  var error = document.getElementById("job-error");
  var download = document.getElementById("job-download");
  var delay = 1000;

  function show(s) {
    bar.value = s.progress;
    label.textContent = s.progress + "%";
    state.textContent = s.state_display;
    message.textContent = s.message || "";
    if (s.error) { error.textContent = s.error; error.hidden = false; }
    if (s.download_url) {
      download.href = s.download_url;
      download.textContent = "下载 " + (s.filename || "结果文件");
      download.hidden = false;
    }
    return s.state === "done" || s.state === "failed";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) { if (!show(s)) { window.setTimeout(poll, delay); } })
      .catch(function () { delay = Math.min(delay * 2, 15000); window.setTimeout(poll, delay); });
  }

  if (box.getAttribute("data-finished") !== "true") { window.setTimeout(poll, delay); }
})();
