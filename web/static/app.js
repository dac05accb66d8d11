// Example SPARQL queries: one click puts the query in the editor.
document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("query");
  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      editor.value = button.dataset.query;
      editor.focus();
    });
  });
});
