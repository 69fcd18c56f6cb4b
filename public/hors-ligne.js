// Cassiopée on a phone without network: installs the service worker (/sw.js), and while the
// network is away disables the buttons that would send something, with a French explanation,
// until it comes back. Pages work without this script; it only adds the offline reading.
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }

  var root = document.documentElement;
  // Set by the service worker on a page it shows from its copy: when that copy was read.
  var fromCopy = root.hasAttribute("data-cas-offline");
  var readAt = fromCopy ? new Date(root.getAttribute("data-cas-offline")) : new Date();
  if (isNaN(readAt.getTime())) {
    readAt = new Date();
  }
  var BANNER = "hors-ligne";
  var NOTE = "hors-ligne-actions";
  var TITLE = "Hors ligne : cette action reviendra avec le réseau.";

  // Every button that sends something, but « Se déconnecter »: on a shared phone, logging out
  // offline still forgets the kept pages (the service worker does it).
  function senders() {
    return Array.prototype.filter.call(
      document.querySelectorAll(
        "form[method=post] button, form[method=post] input[type=submit], form[method=POST] button",
      ),
      function (button) {
        return !button.closest(".cas-nav__logout");
      },
    );
  }

  function when(date) {
    var day = new Intl.DateTimeFormat("fr-FR", {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "Europe/Paris",
    }).format(date);
    var time = new Intl.DateTimeFormat("fr-FR", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "Europe/Paris",
    }).format(date);
    return day + " à " + time.replace(":", " h ");
  }

  function banner() {
    var existing = document.getElementById(BANNER);
    if (existing) {
      return existing;
    }
    var main = document.querySelector("main");
    if (!main) {
      return null;
    }
    var box = document.createElement("div");
    box.id = BANNER;
    box.className = "fr-notice fr-notice--info cas-offline";
    box.setAttribute("role", "status");
    box.innerHTML =
      '<div class="fr-container"><div class="fr-notice__body">' +
      '<p class="fr-notice__title"></p><p id="' + NOTE + '"></p></div></div>';
    box.querySelector(".fr-notice__title").textContent =
      "Hors ligne — données du " + when(readAt);
    box.querySelector("#" + NOTE).textContent =
      "Les actions (s'inscrire, se désinscrire, répondre) reviendront avec le réseau.";
    main.insertBefore(box, main.firstChild);
    return box;
  }

  function disable() {
    senders().forEach(function (button) {
      if (!button.disabled) {
        button.disabled = true;
        button.setAttribute("data-cas-offline-disabled", "");
        button.setAttribute("aria-describedby", NOTE);
        button.title = TITLE;
      }
    });
  }

  function enable() {
    document.querySelectorAll("[data-cas-offline-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-cas-offline-disabled");
      button.removeAttribute("aria-describedby");
      button.removeAttribute("title");
    });
  }

  // Islands may draw buttons after this script ran: they are disabled as they appear.
  var watcher = new MutationObserver(disable);

  function offline() {
    banner();
    disable();
    watcher.observe(document.body, { childList: true, subtree: true });
  }

  function online() {
    watcher.disconnect();
    enable();
    var box = document.getElementById(BANNER);
    if (!box) {
      return;
    }
    if (!fromCopy) {
      box.remove();
      return;
    }
    // A kept copy: its content is still the old one.
    var title = box.querySelector(".fr-notice__title");
    title.textContent = "Connexion rétablie — ";
    var again = document.createElement("a");
    again.href = location.href;
    again.textContent = "actualiser la page";
    title.appendChild(again);
    var note = document.getElementById(NOTE);
    if (note) {
      note.textContent = "Les actions sont de nouveau possibles.";
    }
  }

  // A copy is also shown when the phone says it is online but the server does not answer
  // (no « online » event will come then): ask the server now and then whether it is back.
  var probing = null;
  function probe() {
    fetch("/sw.js", { method: "HEAD", cache: "no-store" }).then(
      function (answer) {
        if (answer.ok && navigator.onLine) {
          clearInterval(probing);
          probing = null;
          online();
        }
      },
      function () {},
    );
  }

  window.addEventListener("offline", offline);
  window.addEventListener("online", function () {
    if (fromCopy) {
      probe();
    } else {
      online();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && !navigator.onLine) {
      offline();
    }
  });
  function start() {
    if (fromCopy || !navigator.onLine) {
      offline();
    }
    if (fromCopy) {
      probing = setInterval(probe, 5000);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
