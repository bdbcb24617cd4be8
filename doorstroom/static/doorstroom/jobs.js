// A job's progress bar, polled from the job's status URL until the job has ended; then the
// page is loaded again to show the result. Served from the application itself, so the
// Content-Security-Policy allows it (no inline script).
document.querySelectorAll("[data-job-status-url]").forEach((box) => {
  const bar = box.querySelector("[data-job-bar]");
  const label = box.querySelector("[data-job-label]");
  const count = box.querySelector("[data-job-count]");
  const poll = async () => {
    let job;
    try {
      const response = await fetch(box.dataset.jobStatusUrl, { credentials: "same-origin" });
      job = await response.json();
    } catch (error) {
      setTimeout(poll, 2000);
      return;
    }
    bar.value = job.percent;
    bar.textContent = `${job.percent}%`;
    label.textContent = job.label;
    // Thousands as the page writes them (41.234 in Dutch, 41,234 in English).
    const number = (n) => n.toLocaleString(document.documentElement.lang || undefined);
    count.textContent = job.total ? `${number(job.done)} / ${number(job.total)}` : "";
    if (job.active) {
      setTimeout(poll, 1000);
    } else {
      window.location.reload();
    }
  };
  setTimeout(poll, 500);
});
