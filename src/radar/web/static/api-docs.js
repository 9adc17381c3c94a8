// Starts Swagger UI on /api/docs. A file, not an inline script, so the page works under
// Radar's Content-Security-Policy (script-src 'self'). The schema's URL comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    // No deep links: with them each operation's path is a link inside the operation's button,
    // an interactive control inside another (axe-core's nested-interactive).
    deepLinking: false,
    // No badge from the public validator: it would load an image from another origin.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
