// form_post.js — response_mode=form_post: sends the answer's form back to the client at
// once (a script file of our origin: the page's CSP allows no inline script).
document.getElementById('form-post').submit();
