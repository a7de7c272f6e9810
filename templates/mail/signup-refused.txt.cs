Subject: <?cs var:Lang.Signup.Mail.Refused.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Signup.Mail.Refused.Intro ?>
<?cs if:Mail.Reason ?>
<?cs var:Lang.Signup.Mail.Refused.Reason ?> <?cs var:Mail.Reason ?>
<?cs /if ?>
<?cs var:Lang.Signup.Mail.Refused.Erased ?>

<?cs var:Shop.Name ?>
