// The notifications page, live: a new notification appears at the top of its conversation's group,
// and one read in another tab or device stops being new here.
import { avatar } from "./avatars.mjs";
import { socket } from "./live.mjs";

const groups = document.getElementById("notification-groups");
const markAll = document.getElementById("mark-all-read");
const empty = document.getElementById("no-notifications");

function item(payload) {
  const li = document.createElement("li");
  li.className = "civicnet-summary-card";
  li.dataset.notification = String(payload.id);
  const tag = document.createElement("strong");
  tag.className = "govuk-tag civicnet-new";
  tag.textContent = "New";
  const link = document.createElement("a");
  link.className = "govuk-link";
  link.href = groups.dataset.openUrl.replace(/0$/, String(payload.id));
  link.textContent = payload.link_text;
  li.append(tag, " ");
  if (payload.person) li.append(avatar(payload.person), " ");
  li.append(payload.lead ? `${payload.lead} ` : "", link);
  if (payload.excerpt) {
    const quote = document.createElement("span");
    quote.className = "govuk-body-s";
    quote.textContent = payload.excerpt;
    li.append(document.createElement("br"), quote);
  }
  return li;
}

function groupFor(payload) {
  const found = [...groups.querySelectorAll("section[data-conversation]")].find(
    (section) => section.dataset.conversation === payload.conversation,
  );
  if (found) return found;
  const section = document.createElement("section");
  section.className = "civicnet-notification-group";
  section.dataset.conversation = payload.conversation;
  const heading = document.createElement("h2");
  heading.className = "govuk-heading-s";
  heading.textContent = payload.group;
  const list = document.createElement("ul");
  list.className = "govuk-list civicnet-notifications";
  section.append(heading, list);
  return section;
}

socket.on("notification", (payload) => {
  if (!groups || !payload?.id || groups.querySelector(`[data-notification="${payload.id}"]`)) return;
  const section = groupFor(payload);
  section.querySelector("ul").prepend(item(payload));
  groups.prepend(section); // the newest group first
  if (empty) empty.hidden = true;
});

socket.on("notifications_read", (payload) => {
  if (!groups) return;
  const ids = new Set((payload?.ids || []).map(String));
  for (const li of groups.querySelectorAll("[data-notification]")) {
    if (ids.has(li.dataset.notification) || payload?.unread === 0) li.querySelector(".civicnet-new")?.remove();
  }
  if (markAll && payload?.unread === 0) markAll.hidden = true;
});
