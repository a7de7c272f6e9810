<?cs include:"mail/layout.html.cs" ?><?cs include:"mail/mailing-body.cs" ?><?cs call:mail_top() ?><?cs call:mailing_paragraphs(Mail.Body, 1) ?>
<p style="margin:0;"><?cs var:Shop.Name ?></p>
<?cs call:mail_bottom_why(Lang.Mail.SystemWhy) ?>
