// Renders the hand-written OpenAPI description of the CDS Hooks endpoints.
window.ui = SwaggerUIBundle({ url: '/openapi/cds-hooks.json', dom_id: '#swagger-ui', deepLinking: true });
