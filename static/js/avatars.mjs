// A member's avatar as the `avatar` macro (templates/_macros/people.html) draws it, from an author
// payload: their photo, or their initials in the brand colour (drawn by the style sheet from
// data-initials). Decorative either way, since their name is always beside it.

const SIDES = { s: 24, m: 40, l: 120 };

export function avatar(person, size = "s") {
  if (person.avatar_url) {
    const img = document.createElement("img");
    img.className = `civicnet-avatar civicnet-avatar--${size}`;
    img.src = person.avatar_url;
    img.alt = "";
    img.loading = "lazy";
    img.width = SIDES[size];
    img.height = SIDES[size];
    return img;
  }
  const initials = document.createElement("span");
  initials.className = `civicnet-avatar civicnet-avatar--${size} civicnet-avatar--initials`;
  initials.dataset.initials = person.initials || "?";
  initials.setAttribute("aria-hidden", "true");
  return initials;
}
