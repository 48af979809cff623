/* Picking the shop's location on a map: click or drag the marker, the coordinate fields
 * follow. Typing coordinates keeps working without JavaScript or without map tiles. */
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function init(container) {
    var latInput = document.getElementById(container.dataset.latInput);
    var lngInput = document.getElementById(container.dataset.lngInput);
    var config = readJson(container.dataset.mapConfig) || {};
    var start = [parseFloat(latInput.value), parseFloat(lngInput.value)];
    container.classList.add("is-ready");
    var map = L.map(container).setView(start, 17);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var marker = L.marker(start, { draggable: true, keyboard: true, title: container.getAttribute("aria-label") }).addTo(map);
    function place(latlng) {
      marker.setLatLng(latlng);
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = latlng.lng.toFixed(6);
    }
    marker.on("dragend", function () { place(marker.getLatLng()); });
    map.on("click", function (event) { place(event.latlng); });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var point = [parseFloat(latInput.value), parseFloat(lngInput.value)];
        if (!isNaN(point[0]) && !isNaN(point[1])) { marker.setLatLng(point); map.panTo(point); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    document.querySelectorAll("[data-pick-location]").forEach(init);
  });
})();
