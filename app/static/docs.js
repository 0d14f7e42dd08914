// Starts Swagger UI or ReDoc on /openapi.json, from files this server serves (no CDN).
(function () {
  "use strict";
  const root = document.getElementById("api-docs");
  if (root.dataset.kind === "swagger" && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: false, validatorUrl: null });
    // Code examples scroll: keyboard users must be able to reach them (Swagger UI does not).
    new MutationObserver(() => {
      for (const block of root.querySelectorAll("pre:not([tabindex])")) block.tabIndex = 0;
    }).observe(root, { childList: true, subtree: true });
  } else if (window.Redoc) {
    window.Redoc.init(root.dataset.spec, { hideDownloadButton: false }, root);
  }
})();
