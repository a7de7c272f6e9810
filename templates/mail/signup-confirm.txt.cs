Subject: <?cs var:Lang.Signup.Mail.Confirm.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs if:Mail.Waitlist ?><?cs var:Lang.Signup.Mail.Confirm.IntroWaitlistText ?><?cs else ?><?cs var:Lang.Signup.Mail.Confirm.IntroText ?><?cs /if ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Signup.Mail.Confirm.Expiry ?>
<?cs var:Lang.Signup.Mail.Confirm.NotYou ?>

<?cs var:Shop.Name ?>
