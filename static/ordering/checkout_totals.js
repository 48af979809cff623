/* The checkout's totals follow the choice per shop: a shop chosen for delivery adds its fee.
 * Without JavaScript the totals shown are those of the page as it was sent. */
(function () {
  "use strict";
  var box = document.querySelector(".checkout-totals");
  if (!box) { return; }
  var fees = JSON.parse(box.dataset.feePerShop || "{}");
  var products = parseAmount(box.querySelector('[data-total="products"]').textContent);
  var format = new Intl.NumberFormat(document.documentElement.lang || "nl", {
    style: "currency", currency: "EUR",
  });

  function parseAmount(text) {
    var digits = text.replace(/[^0-9,.-]/g, "");
    // "1.234,56" (nl) or "1,234.56" (en): the last separator is the decimal one.
    var last = Math.max(digits.lastIndexOf(","), digits.lastIndexOf("."));
    if (last < 0) { return Number(digits); }
    return Number(digits.slice(0, last).replace(/[,.]/g, "") + "." + digits.slice(last + 1));
  }

  function update() {
    var delivery = 0;
    Object.keys(fees).forEach(function (shop) {
      var chosen = document.querySelector('input[name="method_' + shop + '"]:checked');
      if (chosen && chosen.value === "delivery") { delivery += Number(fees[shop]); }
    });
    box.querySelector('[data-total="delivery"]').textContent = format.format(delivery);
    box.querySelector('[data-total="total"]').textContent = format.format(products + delivery);
  }

  document.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("method_") === 0) { update(); }
  });
  var summary = document.getElementById("checkout-errors");
  if (summary) { summary.focus(); }
})();
