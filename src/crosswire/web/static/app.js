// crosswire web UI: optional enhancements. Every page works without this file.
// - story page: pick a claim (in the claim list, the facts, the matrix or a highlighted
//   passage) to highlight its words in every source, without reloading;
// - "/" focuses the search field; arrow keys move through the claim list;
// - the ingest page follows running jobs.
(function () {
  "use strict";

  function setupClaims() {
    var columns = document.getElementById("columns");
    if (!columns) return;
    var section = document.getElementById("sources");
    var status = document.getElementById("claim-status");
    var marks = Array.prototype.slice.call(columns.querySelectorAll("mark.ev"));
    var cols = Array.prototype.slice.call(columns.querySelectorAll(".column"));
    var pickerLinks = Array.prototype.slice.call(document.querySelectorAll("#claim-list a[data-claim]"));

    function claimsOf(mark) { return (mark.getAttribute("data-c") || "").split(" "); }

    function select(id) {
      var shown = 0;
      marks.forEach(function (m) { m.classList.toggle("sel", claimsOf(m).indexOf(id) >= 0); });
      cols.forEach(function (col) {
        var first = col.querySelector("mark.sel");
        col.classList.toggle("silent", !first);
        if (first) {
          shown += 1;
          var box = col.querySelector(".text");
          box.scrollTop = Math.max(0, first.offsetTop - 48);
        }
      });
      var text = "";
      pickerLinks.forEach(function (a) {
        if (a.getAttribute("data-claim") === id) {
          a.setAttribute("aria-current", "true");
          text = a.textContent;
        } else {
          a.removeAttribute("aria-current");
        }
      });
      status.textContent = "Showing: " + text + " (in " + shown + " of " + cols.length + " sources)";
      var url = new URL(window.location.href);
      url.searchParams.set("claim", id);
      url.hash = "sources";
      window.history.replaceState(null, "", url.toString());
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-claim]");
      if (link) {
        event.preventDefault();
        select(link.getAttribute("data-claim"));
        if (!link.closest("#claim-list")) section.scrollIntoView({ block: "start" });
        return;
      }
      var mark = event.target.closest("mark.ev");
      if (mark && columns.contains(mark)) select(claimsOf(mark)[0]);
    });

    var list = document.getElementById("claim-list");
    if (list) {
      list.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
        var i = pickerLinks.indexOf(document.activeElement);
        if (i < 0) return;
        event.preventDefault();
        var next = pickerLinks[Math.min(pickerLinks.length - 1, Math.max(0, i + (event.key === "ArrowDown" ? 1 : -1)))];
        next.focus();
      });
    }

    var initial = new URL(window.location.href).searchParams.get("claim");
    if (initial && pickerLinks.some(function (a) { return a.getAttribute("data-claim") === initial; })) select(initial);
  }

  function setupSearchKey() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      var search = document.getElementById("q");
      if (search) {
        event.preventDefault();
        search.focus();
      } else {
        window.location.href = "/stories";
      }
    });
  }

  function followJobs() {
    var rows = document.querySelectorAll("tr[data-job-poll]");
    if (!rows.length) return;
    var pending = rows.length;
    rows.forEach(function (row) {
      var id = row.getAttribute("data-job");
      var timer = window.setInterval(function () {
        fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (job) {
            if (!job) return;
            var cell = row.querySelector(".status");
            cell.textContent = job.status + (job.error ? ": " + job.error : "");
            cell.className = "status " + job.status;
            if (job.status === "done" || job.status === "failed") {
              window.clearInterval(timer);
              pending -= 1;
              if (pending === 0) window.location.reload();
            }
          })
          .catch(function () { window.clearInterval(timer); });
      }, 1500);
    });
  }

  // What changed since this browser last opened the story: its claim and dispute ids are
  // kept in localStorage (nothing leaves the browser).
  function sinceLastVisit() {
    var box = document.getElementById("since-visit");
    if (!box || !window.localStorage) return;
    var key = "crosswire:seen:" + box.getAttribute("data-story");
    var now = {
      at: new Date().toISOString(),
      claims: (box.getAttribute("data-claims") || "").split(" ").filter(Boolean),
      disputes: (box.getAttribute("data-disputes") || "").split(" ").filter(Boolean)
    };
    var before = null;
    try { before = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { before = null; }
    function added(list, old) { return list.filter(function (id) { return old.indexOf(id) < 0; }); }
    if (!before) {
      box.textContent = "First visit from this browser: changes will be shown next time.";
    } else {
      var claims = added(now.claims, before.claims || []);
      var disputes = added(now.disputes, before.disputes || []);
      var when = String(before.at || "").slice(0, 16).replace("T", " ");
      box.textContent = claims.length || disputes.length
        ? "Since your last visit (" + when + " UTC): " + claims.length + " new claim" +
          (claims.length === 1 ? "" : "s") + ", " + disputes.length + " new disputed point" +
          (disputes.length === 1 ? "" : "s") + "."
        : "Nothing new since your last visit (" + when + " UTC).";
      disputes.forEach(function (id) {
        document.querySelectorAll('.glance [data-dispute^="' + id + ':"]').forEach(function (li) {
          li.classList.add("new");
        });
      });
    }
    try { window.localStorage.setItem(key, JSON.stringify(now)); } catch (e) { /* full or off */ }
  }

  // Story sections fold: a button beside each heading hides the section's body.
  function foldSections() {
    document.querySelectorAll(".story-page section[id] > h2").forEach(function (h) {
      if (h.classList.contains("sr-only")) return;
      var section = h.parentElement;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fold";
      button.setAttribute("aria-expanded", "true");
      button.setAttribute("aria-label", "Hide " + h.textContent.trim());
      button.textContent = "Hide";
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") === "true";
        Array.prototype.forEach.call(section.children, function (child) {
          if (child !== h) child.hidden = open;
        });
        button.setAttribute("aria-expanded", open ? "false" : "true");
        button.setAttribute("aria-label", (open ? "Show " : "Hide ") + h.textContent.trim());
        button.textContent = open ? "Show" : "Hide";
      });
      h.appendChild(button);
    });
  }

  setupClaims();
  setupSearchKey();
  followJobs();
  sinceLastVisit();
  foldSections();
})();
