// Building room messages in the browser, to the same structure and classes as
// templates/rooms/_message.html, so a live message looks and reads like a server-rendered one.

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

export const HIDDEN_TEXT = "This message is hidden pending review.";
export const REMOVED_TEXT = "This message was removed by a moderator.";

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function visuallyHidden(text) {
  return element("span", "govuk-visually-hidden", text);
}

// As the template's `date("datetime")` filter: "5 March 2026 at 09:07 UTC".
export function formatTime(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  return `${day} at ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

// A message's text without its markup, for the screen-reader announcement.
export function plainText(message) {
  const template = document.createElement("template"); // inert: nothing in it loads or runs
  template.innerHTML = message.body_html;
  return template.content.textContent.replace(/\s+/g, " ").trim();
}

// The room's details come from #room's data attributes (see templates/rooms/show.html).
export function messageRenderer(root, canPost) {
  const me = root.dataset.username;
  const roomUrl = root.dataset.url;
  const peopleUrl = root.dataset.peopleUrl;
  const roleLabels = JSON.parse(root.dataset.roleLabels || "{}");
  const reportUrl = root.dataset.reportUrl; // ends in "/0": the message id goes there
  const registerUrl = root.dataset.registerUrl; // ends in "?message=": the message id goes there

  function meta(message) {
    const { author } = message;
    const line = element("p", "civicnet-message__meta govuk-body-s");
    const name = element("a", "govuk-link govuk-!-font-weight-bold", author.display_name);
    name.href = `${peopleUrl}/${encodeURIComponent(author.username)}`;
    const role = author.role.replaceAll("_", "-");
    // As the role_badge macro: "Verified: organisation" for attested public servants, the role otherwise.
    const badges = [];
    if (author.verified) {
      const verified = element("strong", "civicnet-badge civicnet-badge--verified");
      const tick = element("span", "civicnet-badge__tick", "✓");
      tick.setAttribute("aria-hidden", "true");
      verified.append(tick, ` Verified: ${author.organisation}`);
      badges.push(verified, " ");
    }
    if (!(author.verified && author.role === "public_servant")) {
      badges.push(element("strong", `civicnet-badge civicnet-badge--${role}`, roleLabels[author.role] || author.role), " ");
    }
    const time = element("time", "", formatTime(message.created_at));
    time.dateTime = message.created_at;
    line.append(name, " ", ...badges, time);
    if (message.speaking_for) line.append(" ", element("span", "civicnet-message__capacity", `Speaking for ${message.speaking_for}`));
    else if (author.verified) line.append(" ", element("span", "civicnet-message__capacity", "Speaking personally"));
    if (message.edited_at) line.append(" ", edited());
    return line;
  }

  function link(text, href, hidden) {
    const anchor = element("a", "govuk-link", text);
    anchor.href = href;
    anchor.append(visuallyHidden(hidden));
    return anchor;
  }

  // As the template: Reply and Edit for those who can post, Report for everyone else's messages.
  function actions(message, posting) {
    const links = [];
    const mine = message.author.username === me;
    if (posting) links.push(link("Reply", `${roomUrl}?reply_to=${message.id}#compose`, ` to ${message.author.display_name}`));
    if (posting && mine) links.push(link("Edit", `${roomUrl}/messages/${message.id}/edit`, " your message"));
    if (!mine && reportUrl) {
      links.push(link("Report", reportUrl.replace(/0$/, message.id), ` this message by ${message.author.display_name}`));
    }
    if (registerUrl) links.push(link("Propose for the register", `${registerUrl}${message.id}`, ` from this message by ${message.author.display_name}`));
    if (!links.length) return null;
    const line = element("p", "civicnet-message__actions govuk-body-s");
    links.forEach((anchor, index) => line.append(...(index ? [" · ", anchor] : [anchor])));
    return line;
  }

  function edited() {
    return element("span", "civicnet-message__edited", "(edited)");
  }

  function render(message) {
    const state = message.hidden ? " civicnet-message--hidden" : message.held ? " civicnet-message--held" : "";
    const item = element("li", `civicnet-message${state}`);
    item.id = `message-${message.id}`;
    item.dataset.id = message.id;
    item.dataset.author = message.author.username;
    item.append(meta(message));
    if (message.reply_to) {
      const { author, excerpt } = message.reply_to;
      const quote = `Replying to @${author}: ${excerpt || "a message that is no longer shown"}`;
      item.append(element("blockquote", "civicnet-message__quote govuk-body-s", quote));
    }
    if (message.hidden) {
      const notice = message.removed ? REMOVED_TEXT : HIDDEN_TEXT;
      item.append(element("p", "civicnet-message__body civicnet-message__notice govuk-body", notice));
      return item;
    }
    if (message.held) {
      const notice = element("p", "civicnet-message__notice govuk-body-s");
      notice.append(element("strong", "", "Held for review:"), " only you can see this message until a moderator approves it.");
      item.append(notice);
    }
    const body = element("div", "civicnet-message__body govuk-body");
    body.innerHTML = message.body_html; // cleaned server-side by sanitize_html, like the template's |safe
    item.append(body);
    const links = message.held ? null : actions(message, canPost());
    if (links) item.append(links);
    return item;
  }

  // One's own message on its way: the text as typed, until the server has stored it.
  function renderPending(entry) {
    const item = element("li", "civicnet-message civicnet-message--pending");
    item.dataset.clientId = entry.client_id;
    const line = element("p", "civicnet-message__meta govuk-body-s");
    line.append(
      element("span", "govuk-!-font-weight-bold", root.dataset.displayName || me),
      " ",
      element("span", "civicnet-message__status", "Sending…"),
    );
    const body = element("div", "civicnet-message__body govuk-body");
    body.append(element("p", "civicnet-message__pending-body", entry.body));
    item.append(line, body);
    return item;
  }

  // An edit from the server: new body, and "(edited)" once.
  function applyEdit(item, message) {
    item.querySelector(".civicnet-message__body").innerHTML = message.body_html; // sanitised server-side
    const line = item.querySelector(".civicnet-message__meta");
    if (message.edited_at && !line.querySelector(".civicnet-message__edited")) line.append(" ", edited());
  }

  return { render, renderPending, applyEdit };
}
