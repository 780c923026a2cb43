// Coproduce's service worker: shows the (content-free) answer notification, opens the app.
self.addEventListener("push", function (event) {
  var message = { title: "Coproduce", body: "Your idea got an answer: open Coproduce", url: "/my/" };
  try { message = event.data.json(); } catch (e) { /* keep the default words */ }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body,
    icon: "/static/img/favicon.svg",
    data: { url: message.url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/my/";
  event.waitUntil(self.clients.openWindow(url));
});
