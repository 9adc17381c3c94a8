// Starts Swagger UI on /api/docs. A file, not an inline script, so the page works under
// Radar's Content-Security-Policy (script-src 'self'). The schema's URL comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    // No badge from the public validator: it would load an image from another origin.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
