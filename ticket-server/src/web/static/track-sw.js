// The tracking page's service worker, for one thing: Android's Chrome shows a web page's
// notification only through a service worker (`new Notification` throws there). A tap on the
// notification brings the tracking page back to the front.
"use strict";
self.addEventListener("notificationclick", (e) => {
  e.notification.close();
  e.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
    const page = list.find((c) => new URL(c.url).pathname.startsWith("/t/"));
    return page ? page.focus() : undefined;
  }));
});
