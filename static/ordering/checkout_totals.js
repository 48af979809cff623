/* The checkout's totals follow the choice per shop: a shop chosen for delivery adds its fee;
 * an amount typed for the city gift card shows what is left to pay (the server checks the
 * card's balance when the order is placed). Without JavaScript the totals shown are those
 * of the page as it was sent. */
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
    showCard(products + delivery);
  }

  function showCard(total) {
    var field = document.querySelector('input[name="gift_card_amount"]');
    var typed = field ? Number(field.value) : 0;  // a number input's value uses "."
    var card = isFinite(typed) && typed > 0 ? Math.min(Math.round(typed * 100) / 100, total) : 0;
    box.querySelectorAll("[data-card-row]").forEach(function (row) { row.hidden = card <= 0; });
    box.querySelector('[data-total="gift-card"]').textContent = "\u2212 " + format.format(card);
    box.querySelector('[data-total="rest"]').textContent = format.format(total - card);
  }

  function currentTotal() {
    return parseAmount(box.querySelector('[data-total="total"]').textContent);
  }

  document.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("method_") === 0) { update(); }
  });
  document.addEventListener("input", function (event) {
    if (event.target.name === "gift_card_amount") { showCard(currentTotal()); }
  });
  showCard(currentTotal());  // an amount kept by a refused submit
  var summary = document.getElementById("checkout-errors");
  if (summary) { summary.focus(); }
})();
