// The only script: a Copy button beside each read-only value (hidden without JavaScript,
// where the value can be selected and copied by hand).
document.querySelectorAll("button.copy").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  button.hidden = false;
  button.setAttribute("aria-label", "Copy " + field.labels[0].textContent);
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      document.execCommand("copy");
    }
    button.textContent = "Copied";
  });
});
