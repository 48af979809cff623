// Follows a stock upload on its page: the check of a workbook (status "uploaded") and the
// apply of a large file (status "applying"), both through the upload's status endpoint.
// A file of ours, not an inline script: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var bar = document.querySelector("[data-upload-progress]");
  if (!bar) { return; }
  var waitingFor = bar.dataset.waitingStatus;
  function show(progress) {
    bar.setAttribute("aria-valuenow", progress);
    bar.firstElementChild.style.width = progress + "%";
    bar.firstElementChild.textContent = progress + "%";
  }
  function poll() {
    fetch(bar.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) {
      return r.json();
    }).then(function (s) {
      show(s.progress);
      if (s.log_url) {
        window.location = s.log_url;
      } else if (s.status !== waitingFor) {
        window.location.reload();
      } else {
        setTimeout(poll, 1000);
      }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
