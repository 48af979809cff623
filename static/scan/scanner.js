// Reads a barcode or QR code from the camera or from a photo and submits the scan form with
// it: the stock-taking page (EAN/UPC) and the gift card counter (QR). The form says what:
// data-formats (BarcodeDetector's names), data-photo-id (the photo input), data-camera-key
// (set: the camera starts again after the form's reload, so counting "+1 per scan" needs no
// tap per item). The browser's BarcodeDetector reads where it knows the formats; elsewhere
// (Firefox, Safari, Chromium on Linux) ZXing from static/vendor/zxing, loaded only then.
// A file of ours: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var input = form.querySelector("[name=code]");
  var photo = document.getElementById(form.dataset.photoId);
  var status = document.getElementById("scan-status");
  var startButton = document.getElementById("camera-start");
  var stopButton = document.getElementById("camera-stop");
  var video = document.getElementById("camera-view");
  var FORMATS = (form.dataset.formats || "").split(" ").filter(Boolean);
  var CAMERA_KEY = form.dataset.cameraKey || "";
  var MAX_SIDE = 1600; // a phone photo is scaled down: decoding stays quick, bars stay wide
  var decoder = null; // a promise of {name, decode(source) -> promise of text or null}
  var stream = null;
  var submitted = false;

  function say(text) { status.textContent = text; }

  function detectorDecoder() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (supported) {
      var usable = FORMATS.filter(function (f) { return supported.indexOf(f) >= 0; });
      if (!usable.length) { return null; }
      var detector = new window.BarcodeDetector({formats: usable});
      return {
        name: "barcode-detector",
        decode: function (source) {
          return detector.detect(source).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        }
      };
    }).catch(function () { return null; });
  }

  function loadZxing() {
    if (window.ZXing) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = form.dataset.zxingSrc;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function zxingDecoder() {
    return loadZxing().then(function () {
      var Z = window.ZXing;
      var hints = new Map();
      hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, FORMATS.map(function (f) {
        return Z.BarcodeFormat[f.toUpperCase()];  // ean_13 -> EAN_13, qr_code -> QR_CODE
      }));
      hints.set(Z.DecodeHintType.TRY_HARDER, true);
      var reader = new Z.MultiFormatReader();
      reader.setHints(hints);
      var canvas = document.createElement("canvas");
      return {
        name: "zxing",
        decode: function (source) {
          draw(source, canvas);
          try {
            var luminance = new Z.HTMLCanvasElementLuminanceSource(canvas);
            return Promise.resolve(
              reader.decode(new Z.BinaryBitmap(new Z.HybridBinarizer(luminance))).getText()
            );
          } catch (notFound) {
            return Promise.resolve(null);
          } finally {
            reader.reset();
          }
        }
      };
    });
  }

  function draw(source, canvas) {
    var width = source.videoWidth || source.width;
    var height = source.videoHeight || source.height;
    var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    var context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
  }

  function getDecoder() {
    if (!decoder) {
      decoder = detectorDecoder().then(function (found) { return found || zxingDecoder(); });
    }
    return decoder;
  }

  function found(code, name) {
    if (submitted) { return; }
    submitted = true;
    stopCamera(false);
    input.value = code;
    form.dataset.decoder = name;
    say(form.dataset.msgFound + " " + code);
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // A photo: decoded from an ImageBitmap (not an <img> with a blob: URL, which the CSP's
  // img-src does not allow).
  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) { return; }
    say(form.dataset.msgReading);
    Promise.all([getDecoder(), createImageBitmap(file)]).then(function (both) {
      var reader = both[0];
      return reader.decode(both[1]).then(function (code) {
        form.dataset.decoder = reader.name;
        if (code) { found(code, reader.name); } else { say(form.dataset.msgNone); }
      });
    }).catch(function () { say(form.dataset.msgNone); });
    photo.value = "";
  });

  function scanFrames(reader) {
    if (!stream) { return; }
    var next = function () { setTimeout(function () { scanFrames(reader); }, 250); };
    if (video.readyState < 2) { next(); return; }
    reader.decode(video).then(function (code) {
      if (code) { found(code, reader.name); } else { next(); }
    }).catch(next);
  }

  function startCamera() {
    say(form.dataset.msgAim);
    Promise.all([
      getDecoder(),
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
    ]).then(function (both) {
      stream = both[1];
      video.srcObject = stream;
      video.hidden = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      if (CAMERA_KEY) { sessionStorage.setItem(CAMERA_KEY, "on"); }
      return video.play().then(function () { scanFrames(both[0]); });
    }).catch(function () {
      stopCamera(true);
      say(form.dataset.msgCameraOff);
    });
  }

  // `forget`: the person stopped it; after a scan it starts again only with a camera key.
  function stopCamera(forget) {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
    if (forget && CAMERA_KEY) { sessionStorage.removeItem(CAMERA_KEY); }
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
    startButton.addEventListener("click", startCamera);
    stopButton.addEventListener("click", function () { stopCamera(true); say(""); });
    if (CAMERA_KEY && sessionStorage.getItem(CAMERA_KEY) === "on") { startCamera(); }
  }
})();
