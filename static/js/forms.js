// A refused form opens on its error summary: focused, so that a phone scrolls to it and a
// screen reader reads it, instead of leaving the errors below the fold.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
