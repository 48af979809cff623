/* Checkout: postcode and house number fill the street and town from the address register,
 * as the consumer types. Progressive: without JavaScript (or when the register cannot say)
 * the consumer types them, and the server looks the house up again on submit anyway. */
(function () {
  "use strict";

  var POSTCODE = /^\s*\d{4}\s?[A-Za-z]{2}\s*$/;
  var NUMBER = /^\s*[1-9]\d{0,4}\s*$/;

  function init(fieldset) {
    var url = fieldset.dataset.addressLookupUrl;
    var inputs = {
      postcode: document.getElementById("id_postcode"),
      number: document.getElementById("id_house_number"),
      addition: document.getElementById("id_house_number_addition"),
      street: document.getElementById("id_address_line"),
      city: document.getElementById("id_city"),
    };
    var status = document.getElementById("address-lookup-status");
    if (!url || !inputs.postcode || !inputs.number || !inputs.street || !inputs.city) {
      return;
    }
    var timer = null;
    var asked = "";

    function say(text) {
      if (status) {
        status.textContent = text; // text, never HTML
      }
    }

    function ask() {
      var postcode = inputs.postcode.value;
      var number = inputs.number.value;
      var addition = inputs.addition ? inputs.addition.value : "";
      if (!POSTCODE.test(postcode) || !NUMBER.test(number)) {
        return;
      }
      var query = new URLSearchParams({ postcode: postcode, house_number: number.trim(), addition: addition.trim() });
      if (query.toString() === asked) {
        return;
      }
      asked = query.toString();
      fetch(url + "?" + asked, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok || response.status === 400 ? response.json() : {};
        })
        .then(function (answer) {
          if (asked !== query.toString()) {
            return; // the consumer typed on meanwhile
          }
          if (answer.found) {
            inputs.street.value = answer.street;
            inputs.city.value = answer.city;
            var addition = answer.addition || "";
            var joiner = /^\d/.test(addition) ? "-" : "";
            say(answer.street + " " + number.trim() + joiner + addition + ", " + answer.city);
          } else {
            say(answer.error || "");
          }
        })
        .catch(function () {
          say(""); // offline or throttled: the consumer types, the server checks on submit
        });
    }

    ["postcode", "number", "addition"].forEach(function (name) {
      if (!inputs[name]) {
        return;
      }
      inputs[name].addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(ask, 400);
      });
    });
  }

  document.querySelectorAll("[data-address-lookup-url]").forEach(init);
})();
