// The carer's page for a shared video: plays it (stream only, no download offered) with their name
// and today's date over the picture, and says plainly when the link has stopped working.

const statusLine = document.querySelector("#status");
const frame = document.querySelector("#frame");
const player = document.querySelector("#player");
const watermark = document.querySelector("#watermark");
const controls = document.querySelector("#controls");
const until = document.querySelector("#until");
const from = document.querySelector("#from");
const contact = document.querySelector("#contact");

function longDate(iso) {
  return new Date(`${iso.slice(0, 10)}T12:00:00`).toLocaleDateString("en-GB", {
    day: "numeric", month: "long", year: "numeric",
  });
}

// This page is /shared/{link id}: each link this browser opened has its own page and cookie.
const link = location.pathname.replace(/\/+$/, "");

async function viewing() {
  const response = await fetch(`${link}/viewing`, { credentials: "same-origin", cache: "no-store" });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail ?? "This video is not available.");
  return data;
}

function moveWatermark() {
  const spots = [["6%", "6%"], ["6%", "55%"], ["78%", "6%"], ["78%", "55%"], ["42%", "30%"]];
  const [top, left] = spots[Math.floor(Math.random() * spots.length)];
  watermark.style.top = top;
  watermark.style.left = left;
}

async function show() {
  let data;
  try {
    data = await viewing();
  } catch (error) {
    frame.hidden = true;
    controls.hidden = true;
    document.querySelector("#title").textContent = "This video is not available";
    statusLine.textContent = error.message;
    return;
  }
  from.textContent = data.from_line;
  from.hidden = false;
  contact.textContent = data.contact_line;
  contact.hidden = !data.contact_line;
  if (data.status !== "ready") {
    statusLine.textContent = `Your video is being got ready (${Math.round(data.progress * 100)}%). It will appear here in a moment.`;
    setTimeout(show, 1500);
    return;
  }
  statusLine.textContent = "Press play to watch.";
  watermark.textContent = `${data.carer_name} · ${longDate(data.today)}`;
  moveWatermark();
  setInterval(moveWatermark, 20000);
  player.controls = true;
  player.src = data.media_url;
  frame.hidden = false;
  controls.hidden = !frame.requestFullscreen;
  until.textContent = `This link works until ${longDate(data.expires_at)}.`;
}

// Full screen keeps the watermark: the frame goes full screen, not the bare video.
document.querySelector("#full").addEventListener("click", () => frame.requestFullscreen?.());
player.addEventListener("contextmenu", (event) => event.preventDefault());
player.addEventListener("error", () => {
  statusLine.textContent = "The video stopped working: the link may have expired or been switched off. Reload the page to check.";
});
show();
