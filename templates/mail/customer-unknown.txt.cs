Subject: <?cs var:Lang.Mail.Unknown.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Lang.Mail.Hello ?>

<?cs var:Lang.Mail.Unknown.Intro ?>
<?cs if:Mail.SignupLink ?>
<?cs var:Lang.Mail.Unknown.Signup ?>
<?cs var:Mail.SignupLink ?>
<?cs /if ?>
<?cs var:Lang.Mail.Unknown.NotYou ?>

<?cs var:Shop.Name ?>
