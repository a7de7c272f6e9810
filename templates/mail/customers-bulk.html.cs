<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Lang.Mail.Hello ?></p>
<p style="margin:0 0 20px;"><?cs if:Mail.Failed ?><?cs var:Lang.Mail.Bulk.Failed ?><?cs else ?><?cs var:Lang.Mail.Bulk.Done ?><?cs /if ?> <strong><?cs var:Mail.Changed ?></strong> <?cs if:Mail.ChangedCount == 1 ?><?cs var:Lang.Mail.Bulk.ChangedOne[Mail.Action] ?><?cs else ?><?cs var:Lang.Mail.Bulk.Changed[Mail.Action] ?><?cs /if ?>.</p>
<?cs if:Mail.Left ?><p style="margin:0 0 20px;color:#5d6778;"><?cs var:Mail.Left ?> <?cs if:Mail.LeftCount == 1 ?><?cs var:Lang.Mail.Bulk.LeftOne ?><?cs else ?><?cs var:Lang.Mail.Bulk.Left ?><?cs /if ?></p><?cs /if ?>
<?cs if:Mail.Link ?><p style="margin:0 0 24px;"><a href="<?cs var:Mail.Link ?>" style="display:inline-block;background:#2f6b4f;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 22px;border-radius:6px;"><?cs var:Lang.Mail.Bulk.See ?></a></p><?cs /if ?>
<?cs call:mail_bottom() ?>
