// Run first thing in <body>, before the page is drawn: GOV.UK Frontend's styles for pages
// with JavaScript. A file, not an inline script, so the content security policy allows no
// inline script at all.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
