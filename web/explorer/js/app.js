// Boot: the live link, the router over the view registry, the search box.
import { Live } from './live.js';
import { Router } from './router.js';
import { href } from './format.js';
import { views } from './views/index.js';

const live = new Live(document.getElementById('connection'));
const router = new Router({ main: document.getElementById('main'), nav: document.getElementById('nav'), live, views });

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = event.target.elements.q.value.trim();
  const target = href.search(q);
  if (location.hash === target) router.show({ focus: true });
  else location.hash = target;
});

// Exposed for the browser tests and for curious readers in the console.
window.explorer = { live, router };
live.start();
router.start();
