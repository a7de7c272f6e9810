Subject: <?cs var:Lang.Mail.Invite.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Mail.Inviter ?> <?cs var:Lang.Mail.Invite.IntroText ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Mail.Invite.Expiry ?>
<?cs var:Lang.Mail.Invite.NotExpected ?>

Fidèle · <?cs var:Shop.Name ?>
