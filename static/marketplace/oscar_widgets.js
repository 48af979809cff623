// What Oscar's templates did in inline event handlers, which the Content-Security-Policy
// blocks (marketplace/security_headers.py): the image widget hides its upload button once a
// chosen image shows, and says so when the file is not an image; a dashboard form's
// "cancel" link goes back a page.
(function () {
  "use strict";
  function uploadButton(image) {
    return document.getElementById(image.dataset.uploadButton);
  }
  document.addEventListener("load", function (event) {
    var image = event.target;
    if (image.matches && image.matches("img[data-upload-button]") && uploadButton(image)) {
      uploadButton(image).style.display = "none";
    }
  }, true);
  document.addEventListener("error", function (event) {
    var image = event.target;
    if (image.matches && image.matches("img[data-upload-button]") && image.getAttribute("src")) {
      if (uploadButton(image)) { uploadButton(image).style.display = ""; }
      window.alert(image.dataset.unrecognised);
    }
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-history-back]");
    if (link) {
      event.preventDefault();
      window.history.go(-1);
    }
    var closer = event.target.closest && event.target.closest("a[data-window-close]");
    if (closer) {  // the cancel link of a form opened as a pop-up
      event.preventDefault();
      window.close();
    }
  });
})();
