// The export page follows the job: the status line (a live region) says how far it has got, and the
// page reloads to offer the download once the export is ready (or to say it failed).
const line = document.getElementById("export-progress");

async function check() {
  try {
    const answer = await fetch(line.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (answer.ok) {
      const state = await answer.json();
      if (state.finished) {
        window.location.reload();
        return;
      }
      line.textContent = `Building your export: ${state.progress}% done.`;
    }
  } catch {
    // Offline for a moment: the next check tries again.
  }
  setTimeout(check, 1500);
}

if (line) setTimeout(check, 1000);
