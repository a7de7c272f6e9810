<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 20px;"><?cs var:Lang.Mail.Unknown.Intro ?></p>
<p style="margin:0 0 20px;"><?cs var:Lang.Mail.Unknown.Check ?></p>
<p style="margin:0;color:#5d6778;font-size:13px;"><?cs var:Lang.Mail.Unknown.NotYou ?></p>
<?cs call:mail_bottom() ?>
