<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;white-space:pre-line;"><?cs var:Mail.Text ?></p>
<p style="margin:0;"><?cs var:Shop.Name ?></p>
<?cs call:mail_bottom() ?>
