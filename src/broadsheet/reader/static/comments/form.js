// Post a Comment: fetch the form's tokens once the reader starts on it, and let Reply links
// fill in the comment being answered. The page is cached for everyone, so it carries neither
// token; without this script the reader still posts, through the confirm page.
(() => {
  "use strict";
  const form = document.querySelector("form.comment-form[data-token-url]");
  if (!form) return;
  const csrf = form.elements.namedItem("csrfmiddlewaretoken");
  const token = form.elements.namedItem("token");
  let pending = null;

  function fetchTokens() {
    if (token.value) return Promise.resolve();
    if (!pending) {
      pending = fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((data) => {
          csrf.value = data.csrf;
          token.value = data.token;
          if (data.question) askQuestion(data.question, data.challenge);
        })
        .catch(() => {
          pending = null; // the confirm page will hand out tokens instead
        });
    }
    return pending;
  }

  // The blog's question (its setting): each reader gets their own, so it comes with the tokens.
  function askQuestion(question, challengeToken) {
    const area = form.querySelector(".comment-challenge");
    if (!area) return;
    area.querySelector(".comment-question").textContent = question;
    form.elements.namedItem("challenge").value = challengeToken;
    form.elements.namedItem("answer").required = true;
    area.hidden = false;
  }

  form.addEventListener("focusin", fetchTokens, { once: true });
  form.addEventListener("submit", (event) => {
    if (token.value) return;
    event.preventDefault();
    fetchTokens().finally(() => HTMLFormElement.prototype.submit.call(form));
  });

  const parent = form.elements.namedItem("parent");
  const replying = form.querySelector(".comment-replying");
  const replyingName = form.querySelector(".comment-replying-name");
  const body = form.elements.namedItem("body");

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.comment-reply[data-parent]");
    if (link) {
      event.preventDefault();
      parent.value = link.dataset.parent;
      replyingName.textContent = link.dataset.name;
      replying.hidden = false;
      form.scrollIntoView({ block: "start" });
      body.focus();
      return;
    }
    if (event.target.closest(".comment-reply-cancel")) {
      event.preventDefault();
      parent.value = "";
      replying.hidden = true;
      body.focus();
    }
  });
})();
