/* Centre management's routes page: the progress figures follow the couriers without a reload.
 *
 * Every 20 s it asks the URL in the table's data-route-progress for
 * {routes: [{route, status, done, last_done_at, against_eta}]} and writes each text into the
 * cell with the same data-field in the row with that data-route. Texts only (textContent):
 * nothing from the server is parsed as HTML. A route planned since the page loaded shows up
 * on the next full reload; a failed request is simply tried again next time.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 20000;
  var FIELDS = ["status", "done", "last_done_at", "against_eta"];
  var table = document.querySelector("[data-route-progress]");
  if (!table || !window.fetch) {
    return;
  }

  function apply(data) {
    (data.routes || []).forEach(function (figures) {
      var row = table.querySelector('tr[data-route="' + Number(figures.route) + '"]');
      if (!row) {
        return;
      }
      FIELDS.forEach(function (field) {
        var cell = row.querySelector('[data-field="' + field + '"]');
        if (cell && cell.textContent !== figures[field]) {
          cell.textContent = figures[field];
        }
      });
    });
  }

  function poll() {
    if (document.hidden) {
      return;
    }
    fetch(table.getAttribute("data-route-progress"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          apply(data);
        }
      })
      .catch(function () {});
  }

  window.setInterval(poll, INTERVAL_MS);
})();
