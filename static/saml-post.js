// saml-post.js — SAML's HTTP-POST binding: sends the form that carries the signed
// Response to the service provider at once (the button does it without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
	var f = document.getElementById("saml-post");
	if (f) f.submit();
});
