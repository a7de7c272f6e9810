Subject: <?cs var:Lang.Mail.Login.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Mail.Login.IntroText ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Mail.Login.Code ?> <?cs var:Mail.Code ?>

<?cs var:Lang.Mail.Login.CodeElsewhere ?>
<?cs var:Mail.CodeLink ?>

<?cs var:Lang.Mail.Login.Expiry ?>
<?cs var:Lang.Mail.Login.NotYou ?>

<?cs var:Shop.Name ?>
