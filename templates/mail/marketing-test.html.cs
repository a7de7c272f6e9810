<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Unsubscribe.Mail.TestIntro ?></p>
<?cs call:mail_bottom() ?>
