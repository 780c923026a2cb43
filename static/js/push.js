// "Tell me on this phone when my idea gets an answer": off until the member taps it.
(function () {
  "use strict";
  var button = document.getElementById("push-on");
  var status = document.getElementById("push-status");
  var offForm = document.getElementById("push-off-form");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) {
    return;
  }
  var csrf = offForm.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) {
    status.textContent = text;
    status.classList.remove("d-none");
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error("permission"); }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(button.dataset.key)
      });
    }).then(function (subscription) {
      return fetch(button.dataset.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(subscription.toJSON()),
        credentials: "same-origin"
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("server"); }
      say("Done: this phone will tell you when your idea gets an answer.");
    }).catch(function () {
      button.disabled = false;
      say("That didn't work. Check that this browser may show notifications, and try again.");
    });
  });

  offForm.addEventListener("submit", function () {
    // Also stop this phone's subscription at the browser; the form does the rest.
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration && registration.pushManager.getSubscription();
    }).then(function (subscription) {
      return subscription && subscription.unsubscribe();
    }).catch(function () {});
  });
})();
