// Placeholder front end: proves the wasm module loads and answers.
//
// trunk's loader (injected into index.html) instantiates the wasm, stores the
// wasm-bindgen exports in `window.wasmBindings`, then fires
// `TrunkApplicationStarted`. Module scripts may run before or after that, so
// handle both orders.

function wasmReady() {
  if (window.wasmBindings) return Promise.resolve(window.wasmBindings);
  return new Promise((resolve) => {
    addEventListener("TrunkApplicationStarted", () => resolve(window.wasmBindings), {
      once: true,
    });
  });
}

const status = document.getElementById("status");

wasmReady()
  .then((wasm) => {
    const version = wasm.version();
    status.textContent = `wasm ok — raft-playground ${version}`;
    status.dataset.state = "ok";
    status.dataset.version = version;
  })
  .catch((err) => {
    status.textContent = `wasm failed to load: ${err}`;
    status.dataset.state = "error";
    console.error(err);
  });
