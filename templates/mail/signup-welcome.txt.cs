Subject: <?cs var:Lang.Signup.Mail.Welcome.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Signup.Mail.Welcome.Intro ?>

<?cs var:Lang.Signup.Mail.Welcome.SignIn ?>
<?cs var:Mail.Link ?>

<?cs var:Shop.Name ?>
